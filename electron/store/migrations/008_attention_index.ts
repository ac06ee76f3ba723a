import type { Migration } from './types';

// The attention inbox lists what operators resolved lately (retried, edited,
// discarded, verified, replaced), newest first. Those events are rare among
// the sync engine's many, so a partial index finds them without reading the
// whole history.
export const migration008: Migration = {
  version: 8,
  name: 'index of attention resolutions',
  up(db) {
    db.exec(`
      CREATE INDEX request_event_log_resolutions ON request_event_log (id)
        WHERE kind IN ('retried', 'edited', 'cancelled', 'discarded', 'verified', 'replaced');
    `);
  },
};
