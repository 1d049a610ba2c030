// Preloaded into the api process the security suite starts (node --expose-gc -r this): SIGWINCH (a signal nothing else uses; Nest's shutdown hooks take SIGUSR2) runs a full
// garbage collection, so the suite can compare resident memory before and after its fuzz run without the noise
// of garbage not yet collected. Test-only; the product never loads it.
process.on('SIGWINCH', () => {
  if (typeof global.gc === 'function') global.gc();
});
