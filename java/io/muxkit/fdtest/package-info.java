/** fdtest: any server (a command) put at its fd limit, its behaviour observed from outside and given a verdict. */
package io.muxkit.fdtest;
