// The simulated BMC lives in backend/sim so that the demo can use it too.
export * from '../../backend/sim/ipmi-sim';
