// placeholder, replaced below
export async function runPageLoad() {
  return null;
}
export async function runLargeAccount() {
  return null;
}
