/** Benchmarks run by hand ({@code bench/run}): they measure, tests never do. */
package airemu.bench;
