import { z } from 'zod';
import { localDateSchema, localDateTimeSchema } from './dates';

export const PRIORITIES = ['REGULAR', 'EXPRESS'] as const;
export const prioritySchema = z.enum(PRIORITIES, {
  message: `priority must be one of ${PRIORITIES.join(', ')}`,
});
export type Priority = z.infer<typeof prioritySchema>;

const udfString = z.string().max(255, { message: 'must be at most 255 characters' }).optional();
const udfFloat = z.number({ message: 'must be a number' }).finite().optional();
const udfDate = localDateSchema.optional();

/**
 * Optional fields common to every POST request. The Conax page documents them
 * all; decision (spec): Nagravision requests accept the same ones.
 */
export const commonOptionalFields = {
  process_immediately: z.boolean({ message: 'process_immediately must be true or false' }).optional(),
  scheduled_date: localDateTimeSchema.optional(),
  priority: prioritySchema.optional(),
  udf_string_1: udfString,
  udf_string_2: udfString,
  udf_string_3: udfString,
  udf_string_4: udfString,
  udf_string_5: udfString,
  udf_string_6: udfString,
  udf_string_7: udfString,
  udf_string_8: udfString,
  udf_float_1: udfFloat,
  udf_float_2: udfFloat,
  udf_float_3: udfFloat,
  udf_float_4: udfFloat,
  udf_date_1: udfDate,
  udf_date_2: udfDate,
  udf_date_3: udfDate,
  udf_date_4: udfDate,
} as const;

export const UDF_FIELDS = Object.keys(commonOptionalFields).filter((k) => k.startsWith('udf_'));

/** The priority a request has when none is given. */
export const DEFAULT_PRIORITY: Priority = 'REGULAR';
