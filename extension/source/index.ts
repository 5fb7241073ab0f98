export { createCParser, type CParser, type CParserWasm } from './parser';
export { findCallSites, type CallSite, type Position } from './call-sites';

/** The function Pinscope is about. */
export const TARGET_FUNCTION = 'netfs_extract_user_iter';
