// A strict RFC 4180 reader for tests: records end with CRLF, fields are separated by commas, a
// quoted field doubles its inner quotes, and an unquoted field may hold no quote, CR or LF.
// Anything else throws, so a writer that bends the format fails the test instead of being guessed at.

export interface CsvField {
  text: string;
  quoted: boolean;
}

export function readCsv(input: string): CsvField[][] {
  const records: CsvField[][] = [];
  let i = 0;
  while (i < input.length) {
    const record: CsvField[] = [];
    for (;;) {
      let text = "";
      let quoted = false;
      if (input[i] === '"') {
        quoted = true;
        i++;
        for (;;) {
          if (i >= input.length) throw new Error("unterminated quoted field");
          if (input[i] === '"') {
            if (input[i + 1] === '"') {
              text += '"';
              i += 2;
            } else {
              i++;
              break;
            }
          } else text += input[i++];
        }
      } else {
        while (i < input.length && input[i] !== "," && input[i] !== "\r" && input[i] !== "\n") {
          if (input[i] === '"') throw new Error(`quote inside an unquoted field at ${i}`);
          text += input[i++];
        }
      }
      record.push({ text, quoted });
      if (input[i] === ",") {
        i++;
        continue;
      }
      if (input.startsWith("\r\n", i)) {
        i += 2;
        break;
      }
      throw new Error(`expected a comma or CRLF at ${i}, found ${JSON.stringify(input.slice(i, i + 10))}`);
    }
    records.push(record);
  }
  return records;
}

/** The characters that make a spreadsheet run a cell as a formula (OWASP "CSV injection"). */
export const FORMULA_START = /^[=+\-@\t\r]/;
