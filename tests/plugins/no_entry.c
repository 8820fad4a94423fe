/* no_entry.c - a shared object without keel's entry point. */
__attribute__((visibility("default"))) int not_a_keel_plugin(void);

int not_a_keel_plugin(void)
{
    return 42;
}
