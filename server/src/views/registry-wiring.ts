import path from 'node:path';
import type {LabConfig} from '../config';
import type {ReaderServices} from '../readers/services';
import {RegistryView} from './registry-view';

/** The registry page's reader, when the lab registry uses the lab's token authentication; else null. */
export function registryView(config: LabConfig, readers: ReaderServices): RegistryView | null {
  const {signer, registry} = readers;
  if (!signer || !registry) return null;
  return new RegistryView({
    registry: config.labRegistry,
    signer,
    catalog: () => registry.catalog(),
    // Where scripts/lab-engine.sh's private registry keeps its data (readers/services.ts removes from it too).
    storageDir: path.join(config.readers.stateDir, 'registry/data'),
  });
}
