import { builder } from '../builder.ts';
import './scalars.ts';
import './enums.ts';
import './account.ts';
import './organization.ts';
import './gateway.ts';
import './tool.ts';
import './gateway-tool.ts';
import './auth-method.ts';
import './api-key.ts';
import './gateway-events.ts';
import './api.ts';
import './execution.ts';
import './skill.ts';

export const schema = builder.toSchema({ sortSchema: true });
