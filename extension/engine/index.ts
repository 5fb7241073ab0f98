// The engine's public surface: describe a call, replay it.
export { normaliseCall, CallError, PAGE_SIZES, VARIANTS, ITER_KINDS, type Call, type Range } from './call';
export { replayCall, describeCall, describeReturn } from './replay';
export { pagesPinned, roundStoppedAt, unpinsSeen } from './observables';
export { EXAMPLE_E1 } from './examples';
export { errnoName } from './errno';
export { toHex, parseUnsigned } from './hex';
export { kernelProfile, DEFAULT_KERNEL, type KernelProfile } from './kernel-profile';
export { VARIANT_TABLE, sourceAnchors, type Variant } from './variants';
export { toChromeTraceEvents } from './trace-event-export';
