#!/usr/bin/env node
/** Entry point of `npx websocket-tier`. */
import { main } from './main';

void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
