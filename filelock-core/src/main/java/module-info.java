/**
 * Cross-process file locks for Java, interoperable with Python's {@code filelock}: exports the API package only; the
 * implementation in {@code dev.filelock.internal} and its subpackages stays encapsulated.
 */
@SuppressWarnings("requires-automatic") // JNA 5.19.1 is an automatic module (Automatic-Module-Name: com.sun.jna)
module dev.filelock {
    exports dev.filelock;

    requires com.sun.jna;
    requires java.sql;
    requires org.xerial.sqlitejdbc;
    requires static transitive org.jspecify;
}
