# fio: job files (bench/fio/*.fio) for the kernel path (virtio_blk) and the
# user path (an external ioengine over lib/blk.c and VFIO). Included from
# the top Makefile, which defines OUT, CC, CFLAGS, CPPFLAGS, Q and msg.

FIO_ENGINE := $(OUT)/fio/vhm-fio-engine.so
# The engine is a shared object: the library parts it needs, built PIC.
FIO_LIB_SRCS := lib/blk.c lib/vfio.c lib/vring.c
FIO_LIB_OBJS := $(patsubst lib/%.c,$(OUT)/fio/pic/%.o,$(FIO_LIB_SRCS))
FIO_CONFIG := $(OUT)/fio/config-host.h

$(OUT)/fio/pic/%.o: lib/%.c $(LIBVHM_HDRS)
	$(call msg,CC,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -fPIC -c -o $@ $<

# fio's headers need its configure output; configure runs once, in a copy.
$(FIO_CONFIG): scripts/fetch-fio-src.sh
	$(call msg,CONFIG,fio)
	@mkdir -p $(@D)
	$(Q)src=$$(scripts/fetch-fio-src.sh) && \
		rm -rf $(OUT)/fio/src && cp -a "$$src" $(OUT)/fio/src && \
		(cd $(OUT)/fio/src && ./configure --disable-native > configure.out 2>&1) && \
		cp $(OUT)/fio/src/config-host.h $@

$(FIO_ENGINE): bench/fio/engine.c $(FIO_LIB_OBJS) $(FIO_CONFIG) $(LIBVHM_HDRS)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -Wno-sign-compare -Wno-missing-field-initializers \
		-fPIC -shared -rdynamic -include $(FIO_CONFIG) -I$(OUT)/fio/src \
		-o $@ $< $(FIO_LIB_OBJS)

.PHONY: fio-build
fio-build: $(FIO_ENGINE)

tests: $(FIO_ENGINE)
