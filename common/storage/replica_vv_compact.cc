// ReplicaStore: version-vector compaction of retired replicas (placeholder).
