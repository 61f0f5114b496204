import type { Texts } from '../../check.types.js';

/** Why a drift check (schema, configuration and roles) has nothing to compare on its first run. */
export const NO_BASELINE: Texts = {
  en: 'no earlier inspection to compare with',
  zh: '没有可供比较的上一次巡检',
};
