#!/usr/bin/env -S node --max-semi-space-size=1
// The installed CLI runs the compiled backend; `npm install` builds it (the workspace's prepare script).
import { main } from '../dist/main.js';

await main(process.argv);
