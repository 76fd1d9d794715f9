/** Names of containers a reader did not name: docker's `adjective_surname` style, picked at random. */
import {randomInt} from 'node:crypto';

const ADJECTIVES = [
  'brave', 'calm', 'clever', 'eager', 'focused', 'gentle', 'happy', 'keen', 'kind', 'lucid', 'modest', 'nifty',
  'patient', 'quirky', 'serene', 'sharp', 'stoic', 'sweet', 'tender', 'vibrant', 'wizardly', 'zealous',
];
const SURNAMES = [
  'babbage', 'curie', 'darwin', 'einstein', 'franklin', 'hopper', 'hypatia', 'kepler', 'lamarr', 'lovelace',
  'meitner', 'noether', 'pasteur', 'ritchie', 'shannon', 'turing', 'wozniak', 'yalow',
];

export function randomContainerName(): string {
  return `${ADJECTIVES[randomInt(ADJECTIVES.length)]}_${SURNAMES[randomInt(SURNAMES.length)]}`;
}
