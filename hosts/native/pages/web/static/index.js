// The start page: sends the browser to the login page as this server's own
// client, built from the address the browser used (right behind a proxy
// too), and removes the used code from the address bar afterwards.

const link = document.getElementById("login-link");
if (link) {
  const base = `${location.protocol}//${location.host}/`;
  const params = new URLSearchParams({
    response_type: "code",
    client_id: base,
    redirect_uri: `${base}?auth_callback=1`,
  });
  location.replace(`/auth/authorize?${params}`);
} else {
  history.replaceState(null, "", location.pathname);
}
