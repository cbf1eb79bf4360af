import { benchA2a } from './a2a.ts';
import { benchManagement } from './management.ts';
import { benchMcp } from './mcp.ts';
import { benchToolCalls } from './tool-calls.ts';
import { benchUtcp } from './utcp.ts';

// Each suite measures its own baseline in the same run; compare ratios, not raw figures, across machines.
await benchManagement();
await benchToolCalls();
await benchMcp();
await benchUtcp();
await benchA2a();
