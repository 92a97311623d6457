import { expose } from 'comlink';
import { installErrorTransfer } from '../shared/comlink-errors.js';
import { loadEngine } from './engines/load-engine.js';
import { Host } from './host.js';

installErrorTransfer();
expose(new Host(loadEngine));
