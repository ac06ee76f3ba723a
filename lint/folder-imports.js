// ESLint rule: which of our own top-level folders a file may import from.
// Package names are guarded by no-restricted-imports; this rule resolves
// relative specifiers ('../../electron/sync/x') to the folder they land in,
// which a pattern on the specifier text cannot do reliably.
import path from 'node:path';

/** @type {import('eslint').Rule.RuleModule} */
export const folderImports = {
  meta: {
    type: 'problem',
    docs: { description: 'A folder imports only from the folders its runtime allows' },
    schema: [{ type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } }],
    messages: { outside: "{{from}}/ may import only from {{allowed}}; '{{specifier}}' lands in {{to}}/." },
  },
  create(context) {
    const allowedByFolder = context.options[0] ?? {};
    const root = context.cwd;
    const relative = path.relative(root, context.filename).split(path.sep);
    const from = relative[0];
    const allowed = allowedByFolder[from];
    if (allowed === undefined || relative.length < 2) return {};

    function check(node, source) {
      if (!source || source.type !== 'Literal' || typeof source.value !== 'string') return;
      const specifier = source.value;
      if (!specifier.startsWith('.')) return;
      const target = path.relative(root, path.resolve(path.dirname(context.filename), specifier)).split(path.sep);
      const to = target[0] === '..' ? '(outside the project)' : target.length === 1 ? '(the project root)' : target[0];
      if (allowed.includes(to)) return;
      context.report({ node, messageId: 'outside', data: { from, to, specifier, allowed: allowed.map((f) => `${f}/`).join(', ') } });
    }

    return {
      ImportDeclaration: (node) => check(node, node.source),
      ExportNamedDeclaration: (node) => check(node, node.source),
      ExportAllDeclaration: (node) => check(node, node.source),
      ImportExpression: (node) => check(node, node.source),
    };
  },
};
