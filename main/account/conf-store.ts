/** The plain-Node JSON store (conf) for the browser host; the shell passes electron-store instead. */
import Conf from 'conf';
import type { JsonFileStoreFactory } from './config-store.ts';

export const confFactory: JsonFileStoreFactory = (opts) =>
  new Conf({ ...opts, projectName: 'switchboard', projectSuffix: '' }) as unknown as ReturnType<JsonFileStoreFactory>;
