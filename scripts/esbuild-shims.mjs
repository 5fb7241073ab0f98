// web-tree-sitter's CommonJS build still reads import.meta.url (to create a
// require); CommonJS bundles that include it get a real file URL for it.
export const importMetaShim = {
  define: { 'import.meta.url': '__pinscopeImportMetaUrl' },
  banner: { js: "const __pinscopeImportMetaUrl = require('url').pathToFileURL(__filename).href;" },
};
