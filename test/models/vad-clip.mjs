// A deterministic 16 kHz clip for the Silero VAD stream specs: silence, voiced-like harmonic bursts
// and seeded noise, the same samples wherever it is generated (Node for the reference, the page).
import { seeded } from '../seeded.mjs';

export const SAMPLE_RATE = 16_000;
/** Silero VAD v5 takes 512 samples a call at 16 kHz. */
export const CHUNK = 512;

/** A vowel-like burst: a fundamental and its harmonics, swelling and fading. */
function voiced(t, start, length, f0) {
  const x = (t - start) / length;
  const envelope = Math.sin(Math.PI * x) ** 2;
  let sum = 0;
  for (let h = 1; h <= 8; h += 1) sum += Math.sin(2 * Math.PI * f0 * h * t) / h;
  return 0.3 * envelope * sum;
}

/**
 * `seconds` of audio as float32 values in [-1, 1] (as plain numbers): every 1.5 s, 0.3 s of near
 * silence, 0.6 s of a harmonic burst, 0.3 s of seeded noise, 0.3 s of near silence.
 */
export function vadClip(seconds, seed = 1) {
  const random = seeded(seed);
  const samples = new Array(Math.round(seconds * SAMPLE_RATE));
  for (let i = 0; i < samples.length; i += 1) {
    const t = i / SAMPLE_RATE;
    const phase = t % 1.5;
    const hiss = (random() - 0.5) * 0.002;
    let value = hiss;
    if (phase >= 0.3 && phase < 0.9) value += voiced(t, t - phase + 0.3, 0.6, 120 + 40 * Math.floor(t / 1.5));
    else if (phase >= 0.9 && phase < 1.2) value += (random() - 0.5) * 0.4;
    samples[i] = Math.fround(value);
  }
  return samples;
}

/** The clip cut into Silero's 512-sample chunks (a last partial chunk is dropped). */
export function chunksOf(samples) {
  const chunks = [];
  for (let start = 0; start + CHUNK <= samples.length; start += CHUNK) chunks.push(samples.slice(start, start + CHUNK));
  return chunks;
}
