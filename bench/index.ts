import { benchManagement } from './management.ts';
import { benchToolCalls } from './tool-calls.ts';

// Each suite measures its own baseline in the same run; compare ratios, not raw figures, across machines.
await benchManagement();
await benchToolCalls();
