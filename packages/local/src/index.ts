export { createLocal } from './local-provider.ts';
export { defaultLocalRoot, type LocalProviderSettings } from './local-settings.ts';
