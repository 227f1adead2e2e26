import type { Rotor } from '../app/makeRotor.js';
import type { RotateProcessor } from '../queue/rotateJob.js';

/** What the composition root (`bin/rotor.ts`) hands the CLI: the BullMQ processors of `jobs/`. */
export interface CliWiring {
  rotateProcessor(rotor: Rotor): RotateProcessor;
}
