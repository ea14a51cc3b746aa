/**
 * The HTTP/1.1 file server: serving files and listings, uploads through temporary files, and the
 * root's confinement (request paths checked, every file opened beneath the root with openat2).
 */
package io.muxkit.files;
