export { TraceReader, TraceError, type TraceReaderOptions, type TraceSummary } from './reader';
export { detectFormat, FORMATS, type TraceFormat } from './detect';
export { decodeCall, type DecodedCall, type ObservedDto } from './decode';
export type { RawCall } from './reconstruct';
export { replayTraceCall, type TraceCallResult } from './verdict';
export { forView, observedForView, traceRecords, type ObservedForView, type TraceRecords } from './observed-view';
export { recipe, ARCHES, RecipeError, type Arch, type Recipe } from './recipes';
export { printable, printableJson } from './printable';
