import { benchManagement } from './management.ts';

// Each suite measures its own baseline in the same run; compare ratios, not raw figures, across machines.
await benchManagement();
