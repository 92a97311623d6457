import * as webinfer from '../../dist/webinfer.js';

window.webinfer = webinfer;
window.entry = 'esm';
