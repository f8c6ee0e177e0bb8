import { Testing } from 'cdktf';

Testing.setupJest();

// cdktf records a full stack trace for every token it creates, only to name where a token came from
// when one fails to resolve; under jest each trace is also source-mapped. Tests assert what is
// synthesized, never those traces: recording none cuts the construct tests' CPU by about a sixth
// (measured: 29.3 s -> 24.1 s user for the constructs project on 2 cores). A cdktf release that moves
// the module makes this mock fail loudly.
jest.mock('cdktf/lib/tokens/private/stack-trace', () => ({ captureStackTrace: () => [] }));
