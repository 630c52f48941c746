/**
 * Reading the files users write or point at (board profiles now; run and scenario files later) and
 * turning every mistake into one {@link airemu.config.ConfigException} line that names the file, the
 * line and column, what is wrong and what is allowed.
 */
package airemu.config;
