#!/usr/bin/env node
import('../dist/cli/main.js').catch((error) => {
  if (error && error.code === 'ERR_MODULE_NOT_FOUND') {
    console.error('mnemo is not built yet: run `npm run build` in the Mnemo checkout first.');
    process.exit(1);
  }
  throw error;
});
