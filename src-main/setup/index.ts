// Setup files on the Node side: loading with file checks, and the editable SetupFile.
export { loadSetup, resolveSetup, type LoadOptions, type LoadedSetup, type ResolvedFunction } from './load';
export { SetupFile, type SetupFileOptions } from './setup-file';
export { MODULE_EXTENSIONS, checkExport, findModule } from './modules';
