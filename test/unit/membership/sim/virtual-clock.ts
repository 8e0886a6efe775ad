// The simulation's clock is the agent's own VirtualClock (backend/time/clock.ts).
export { VirtualClock } from '../../../../backend/time/clock';
