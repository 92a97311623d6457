import webinfer from 'webinfer/vite';

// Optional: without it the app works the same, but Vite folds all of webinfer's engines into one worker file.
export default { plugins: [webinfer()] };
