// Run by maven-invoker after the consumer's build: show what the consumer printed, and fail if its
// JVM printed a warning (native access, sun.misc.Unsafe): a library user must see none.
def log = new File(basedir, 'target/consumer.log')
assert log.isFile() : "the consumer did not run: no ${log}"
def text = log.getText('UTF-8')
println text
def warnings = text.readLines().findAll { it.contains('WARNING') }
assert warnings.isEmpty() : "the consumer's JVM printed warnings:\n" + warnings.join('\n')
return true
