/**
 * Which time steps a token's code may come from (R1; RFC 6238 §5.2 and §6),
 * as pure arithmetic on step numbers. A token whose clock runs fast or slow
 * shows the code of another step than the server's; RFC 6238 §6 asks the
 * validator to record that drift once it is proven, and to look for later
 * codes around it. Here the proof is 同期ズレ補正: two consecutive codes
 * (issue 13, item 3).
 */

/** An inclusive range of time steps. */
export interface StepWindow {
  from: number;
  to: number;
}

/**
 * The steps a code is accepted from: ±window around the server's step moved
 * by the token's recorded drift. With no drift this is R1's T−1, T, T+1.
 */
export const acceptedSteps = (nowStep: number, drift: number, window: number): StepWindow => ({
  from: nowStep + drift - window,
  to: nowStep + drift + window,
});

/**
 * The steps searched when a code is not accepted, and by 同期ズレ補正:
 * ±resyncWindow around the server's own step (not the drift), so that
 * however often a token is re-synchronised its drift stays within
 * OTP_RESYNC_WINDOW of the true time.
 */
export const resyncSteps = (nowStep: number, resyncWindow: number): StepWindow => ({
  from: nowStep - resyncWindow,
  to: nowStep + resyncWindow,
});

export const inWindow = (step: number, window: StepWindow): boolean => step >= window.from && step <= window.to;

/**
 * The drift 同期ズレ補正 records: the step of the second of the two
 * consecutive codes (the one the phone shows as they are typed) minus the
 * server's step at that moment.
 */
export const driftOf = (tokenStep: number, nowStep: number): number => tokenStep - nowStep;

/** Drift in seconds, for the screens: +3 steps is the token's clock 90 s ahead. */
export const driftSeconds = (drift: number, periodSeconds: number): number => drift * periodSeconds;
