package dev.filelock.spring.observation;

import io.micrometer.common.docs.KeyName;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;
import io.micrometer.observation.docs.ObservationDocumentation;

/**
 * The observations every lock backend records for {@code @FileLocked} methods and
 * registry locks: {@link #ACQUIRE} spans the wait for a lock, {@link #HELD} the hold.
 * Both carry the low-cardinality keys {@code backend}, {@code type} and {@code mode} (so
 * they become timer tags) and the high-cardinality key {@code path} (seen by tracing
 * only, since a key per order or file would grow the metrics without bound).
 *
 * @since 0.1
 */
public enum FileLockObservation implements ObservationDocumentation {

    /**
     * The wait for a lock, ended when it is acquired or given up; its {@code outcome}
     * says which.
     */
    ACQUIRE {

        @Override
        public String getName() {
            return "filelock.acquire";
        }

        @Override
        public String getContextualName() {
            return "wait for lock";
        }

        @Override
        public KeyName[] getLowCardinalityKeyNames() {
            return LowCardinalityKeyNames.values();
        }
    },

    /**
     * The hold of a lock, from its acquisition to its release (the last level, for a
     * reentrant holder).
     */
    HELD {

        @Override
        public String getName() {
            return "filelock.held";
        }

        @Override
        public String getContextualName() {
            return "hold lock";
        }

        @Override
        public KeyName[] getLowCardinalityKeyNames() {
            return new KeyName[] { LowCardinalityKeyNames.BACKEND, LowCardinalityKeyNames.TYPE,
                    LowCardinalityKeyNames.MODE };
        }
    };

    @Override
    public Class<? extends ObservationConvention<? extends Observation.Context>> getDefaultConvention() {
        return DefaultFileLockObservationConvention.class;
    }

    @Override
    public KeyName[] getHighCardinalityKeyNames() {
        return HighCardinalityKeyNames.values();
    }

    /** The keys with few values, which become metric tags. */
    public enum LowCardinalityKeyNames implements KeyName {

        /**
         * Where the lock is taken: {@code file}, {@code jdbc} or {@code registry} (a
         * user's lock registry).
         */
        BACKEND {
            @Override
            public String asString() {
                return "backend";
            }
        },

        /**
         * The lock's on-disk protocol, the values of {@code filelock.type}:
         * {@code native}, {@code sqlite}, {@code
         * soft} or {@code soft-read-write}; for a registry backend, which has none, the
         * backend's name again.
         */
        TYPE {
            @Override
            public String asString() {
                return "type";
            }
        },

        /** The mode asked for: {@code read} or {@code write}. */
        MODE {
            @Override
            public String asString() {
                return "mode";
            }
        },

        /**
         * How a wait ended: {@code acquired}, {@code timeout}, {@code interrupted} or
         * {@code error}.
         */
        OUTCOME {
            @Override
            public String asString() {
                return "outcome";
            }
        }

    }

    /** The keys with unbounded values, seen by tracing but not by metrics. */
    public enum HighCardinalityKeyNames implements KeyName {

        /**
         * The lock key: the path relative to the lock directory, with {@code /}
         * separators.
         */
        PATH {
            @Override
            public String asString() {
                return "path";
            }
        }

    }

}
