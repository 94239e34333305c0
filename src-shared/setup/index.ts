// Setup files: mimoCoRB's schema plus RingScope's additions. Pure TypeScript
// (no Node, no DOM): used by the Node loader, the engine and the renderer's editor.
export type * from './types';
export { DTYPES, dtypeBytes, parseDType, type DTypeResult } from './dtype';
export { didYouMean, levenshtein } from './didyoumean';
export {
  ASSIGN_MODES,
  BUFFER_KEYS,
  DISPLAY_KEYS,
  FUNCTION_KEYS,
  MAIN_KEYS,
  METADATA_FIELDS,
  MIMOCORB_GUI_KEYS,
  ON_ERROR_VALUES,
  SETUP_KEYS,
  emptySetup,
  hasErrors,
  parseSetup,
  sortProblems,
  type ParseOptions,
  type ParsedSetup,
  type SetupPaths,
} from './parse';
export { YAML_OPTIONS, YAML_TO_STRING, YamlSource, formatKeyPath, parseKeyPath, type Entry } from './source';
export { checkBuiltinParams } from './params';
export { configLayers, isRecord, mergeConfig, resolveFunctionConfig, resolveRunLimits, type ConfigLayer, type LayerInputs, type MergedConfig, type RunLimits } from './merge';
export { deleteIn, deleteText, documentText, editText, findNode, setIn } from './edit';
