/** The soak: the servers on every backend for minutes under honest, hostile and faulty traffic, watched for leaks. */
package io.muxkit.soak;
