// The page shown when the web UI has not been built (a checkout before `npm run build`): no
// scripts, so it passes a strict CSP.
export function placeholderPage(version: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Plex Smart Refresher</title>
<style>
body { font-family: system-ui, sans-serif; background: #1a1b1e; color: #e9ecef; margin: 0; padding: 3rem 1.5rem; }
main { max-width: 40rem; margin: 0 auto; }
h1 { color: #e5a00d; font-size: 1.6rem; }
code { background: #2c2e33; padding: 0.1rem 0.3rem; border-radius: 4px; }
</style>
</head>
<body>
<main>
<h1>Plex Smart Refresher</h1>
<p>Version ${version}. The server is running.</p>
<p>The web interface has not been built in this checkout. Run <code>npm run build</code> (or
<code>npm run demo</code>, which builds it first) and restart the server. Meanwhile the command
line does the work: <code>psr plex check</code> tests the connection to Plex.</p>
<p>Health: <a href="/api/health" style="color:#e5a00d">/api/health</a></p>
</main>
</body>
</html>
`;
}
