export { createCParser, type CParser, type CParserWasm } from './parser';
export { analyseCallers, type CallerHandling, type HandlingFact } from './caller-analysis';
export { findSymbols, SYMBOLS, type SymbolEntry, type SymbolName } from './symbols';
export { analyseFile, analyseTree, PREFILTER, PREFILTER_NAMES, type AnalysedEntry, type FileAnalysis } from './file-analysis';
export { fingerprintBody, isRemovedEra, VARIANT_DESCRIPTIONS, type Fingerprint, type VariantFingerprint } from './fingerprint';

/** The function Pinscope is about. */
export const TARGET_FUNCTION = 'netfs_extract_user_iter';
export { PieceMemo } from './piece-memo';
