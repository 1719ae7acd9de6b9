/**
 * Spark SQL functions that DuckDB lacks or spells differently, as DuckDB
 * macros created when a session's DuckDB starts. A temporary macro shadows
 * a builtin of the same name, which is how `split` takes a regular
 * expression and `element_at` reads lists here. What a macro cannot do
 * (variadic `concat`, the `window` keyword, literal datetime patterns) the
 * rewriter does instead (parser/rewrite-spark-sql.ts); those rewrites
 * target the `sluice_` macros below. Datetime patterns must be literals:
 * DuckDB's strftime and strptime take constant formats only, so the
 * rewriter translates a literal pattern and there is no macro form.
 *
 * Checked against DuckDB 1.5: `concat_ws`, `array_contains`, `lower`,
 * `upper`, `trim`, `length`, `coalesce`, `if`, `ifnull`, `substring`,
 * `regexp_extract`, `instr`, `lpad`, `year`, `month`, `hour`,
 * `date_trunc`, `approx_count_distinct`, `first`, `last`, `map_keys` and
 * the aggregates are native and behave as Spark's.
 */
export const SPARK_MACROS: readonly string[] = [
  // ---- helpers, and targets of the rewriter (created first: later macros call them) ----
  // Every window of `width` sliding by `slide` that holds t: width / slide of them, newest first.
  `sluice_windows(t, width, slide, start) AS list_transform(
     range(0, CAST(ceil(epoch_us(CAST(width AS INTERVAL)) / epoch_us(CAST(slide AS INTERVAL))) AS BIGINT)),
     i -> {
       'start': time_bucket(CAST(slide AS INTERVAL), CAST(t AS TIMESTAMP), TIMESTAMP '1970-01-01' + start) - i * CAST(slide AS INTERVAL),
       'end': time_bucket(CAST(slide AS INTERVAL), CAST(t AS TIMESTAMP), TIMESTAMP '1970-01-01' + start) - i * CAST(slide AS INTERVAL) + CAST(width AS INTERVAL)})`,
  // concat_ws with one argument after the separator: an array is joined, a string kept (null as '').
  `sluice_concat_ws(sep, x) AS CASE WHEN typeof(x) LIKE '%[]'
     THEN array_to_string(CAST(x AS VARCHAR[]), sep) ELSE coalesce(CAST(x AS VARCHAR), '') END`,
  // Spark replaces every match and writes groups as $1; DuckDB replaces the first unless 'g', and writes \\1.
  "sluice_regexp_replace(s, regex, replacement) AS regexp_replace(s, regex, regexp_replace(replacement, '\\$(\\d)', '\\\\\\1', 'g'), 'g')",
  // Spark's window(): tumbling, aligned to 1970-01-01 (plus startTime), as a struct of start and end.
  `sluice_window(t, width) AS {
     'start': time_bucket(CAST(width AS INTERVAL), CAST(t AS TIMESTAMP), TIMESTAMP '1970-01-01'),
     'end': time_bucket(CAST(width AS INTERVAL), CAST(t AS TIMESTAMP), TIMESTAMP '1970-01-01') + CAST(width AS INTERVAL)},
   (t, width, slide) AS unnest(sluice_windows(t, width, slide, INTERVAL 0 SECONDS)),
   (t, width, slide, start) AS unnest(sluice_windows(t, width, slide, CAST(start AS INTERVAL)))`,
  // isnull is a postfix operator keyword in DuckDB, so the rewriter renames the function.
  'sluice_isnull(x) AS x IS NULL',
  // ---- Spark's names ----
  // Spark's split takes a regular expression; DuckDB's split takes a literal separator.
  `split(str, regex) AS string_split_regex(str, regex),
   (str, regex, lim) AS CASE WHEN lim > 0 THEN error('split with a positive limit is not supported; use a limit of -1') ELSE string_split_regex(str, regex) END`,
  'explode(list) AS unnest(list)',
  'explode_outer(list) AS unnest(CASE WHEN len(list) > 0 THEN list ELSE [NULL] END)',
  // Spark 3 answers -1 for the size of null (spark.sql.legacy.sizeOfNull).
  'size(list) AS coalesce(len(list), -1)',
  'collect_list(x) AS coalesce(list(x) FILTER (WHERE x IS NOT NULL), [])',
  'collect_set(x) AS coalesce(list(DISTINCT x) FILTER (WHERE x IS NOT NULL), [])',
  'nvl(a, b) AS coalesce(a, b)',
  'nvl2(a, b, c) AS CASE WHEN a IS NOT NULL THEN b ELSE c END',
  // 1-based, negative from the end, for lists; the value of a key, for maps.
  'element_at(x, i) AS x[i]',
  // Timestamps are UTC instants here (the session's TimeZone is UTC), so the cast keeps the instant.
  'current_timestamp() AS CAST(get_current_timestamp() AS TIMESTAMP)',
  'now() AS CAST(get_current_timestamp() AS TIMESTAMP)',
  `to_timestamp(x) AS CASE
     WHEN typeof(x) IN ('TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'HUGEINT', 'FLOAT', 'DOUBLE') OR typeof(x) LIKE 'DECIMAL%'
       THEN make_timestamp(CAST(CAST(CAST(x AS VARCHAR) AS DOUBLE) * 1000000 AS BIGINT))
     ELSE CAST(try_cast(CAST(x AS VARCHAR) AS TIMESTAMPTZ) AS TIMESTAMP) END`,
  'to_date(x) AS CAST(try_cast(CAST(x AS VARCHAR) AS TIMESTAMPTZ) AS DATE)',
  `unix_timestamp() AS CAST(epoch(get_current_timestamp()) AS BIGINT),
   (x) AS CAST(epoch(CAST(try_cast(CAST(x AS VARCHAR) AS TIMESTAMPTZ) AS TIMESTAMP)) AS BIGINT)`,
  "from_unixtime(x) AS strftime(make_timestamp(CAST(x AS BIGINT) * 1000000), '%Y-%m-%d %H:%M:%S')",
  'date_add(d, n) AS CAST(CAST(d AS DATE) + CAST(n AS INTEGER) AS DATE)',
  'date_sub(d, n) AS CAST(CAST(d AS DATE) - CAST(n AS INTEGER) AS DATE)',
  "datediff(a, b) AS date_diff('day', CAST(b AS DATE), CAST(a AS DATE))",
  // Spark counts from Sunday = 1; ISO from Monday = 1.
  'dayofweek(d) AS isodow(CAST(d AS DATE)) % 7 + 1',
  'isnotnull(x) AS x IS NOT NULL',
  'rlike(s, regex) AS regexp_matches(s, regex)',
  'startswith(s, prefix) AS starts_with(s, prefix)',
  'endswith(s, suffix) AS ends_with(s, suffix)',
  'locate(substr, s) AS instr(s, substr)',
  'pmod(a, b) AS ((a % b) + b) % b',
  'sort_array(list) AS list_sort(list), (list, ascending) AS CASE WHEN ascending THEN list_sort(list) ELSE list_reverse_sort(list) END',
  'array_join(list, sep) AS array_to_string(list, sep)',
  'array_max(list) AS list_max(list)',
  'array_min(list) AS list_min(list)',
  'sequence(a, b) AS generate_series(a, b)',
  'get_json_object(json, path) AS json_extract_string(json, path)',
  'percentile_approx(x, p) AS approx_quantile(x, p)',
  'std(x) AS stddev(x)',
  'rand() AS random()',
]

/** The SQL that creates every macro; run once per session. */
export function sparkMacroStatements(): string[] {
  return SPARK_MACROS.map((macro) => `CREATE OR REPLACE TEMP MACRO ${macro}`)
}
