// The engine's public surface: describe a call, replay it.
export { normaliseCall, callToDto, CallError, PAGE_SIZES, VARIANTS, type Call, type Range } from './call';
export { replayCall, describeReturn } from './replay';
export { EXAMPLE_E1 } from './examples';
export { errnoName } from './errno';
export { toHex, parseUnsigned } from './hex';
