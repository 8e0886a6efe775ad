// The seeded PRNG lives with the simulation (backend/sim/prng.ts); tests share it.
export { prng, randInt } from '../../backend/sim/prng';
