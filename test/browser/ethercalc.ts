/** Read a sheet back from the real EtherCalc the tests run, through its CSV API. */
const server = process.env.SENSORLAB_ETHERCALC as string;

export function sheetName(url: string): string {
  return url.split('/').pop() as string;
}

export async function sheetCsv(name: string): Promise<string[][]> {
  const response = await fetch(`${server}/_/${name}/csv`);
  if (response.status === 404) {
    return [];
  }
  const text = await response.text();
  // The sheet's own rows hold no commas or quotes in these tests: a plain split is exact.
  return text
    .split(/\r?\n/)
    .filter(line => line.length > 0)
    .map(line => line.split(',').map(cell => cell.replace(/^"(.*)"$/, '$1')));
}
