/**
 * Cross-process file locks for Java, interoperable with Python's {@code filelock}.
 */
module dev.filelock {
    exports dev.filelock;
    requires com.sun.jna;
    requires java.sql;
    requires org.xerial.sqlitejdbc;
    requires static transitive org.jspecify;
}
