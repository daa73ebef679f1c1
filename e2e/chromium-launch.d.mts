// Types of chromium-launch.mjs (shared with bench/, which runs as plain JavaScript).
export declare const CHROMIUM_LAUNCH_OPTIONS: { executablePath: string; args: string[] };
