# Hostile inputs refused by the input readers (issue 6, the fuzzing work): each is
# exit 111 (112 for a load error) with one line naming the file and the key or
# layer. Included by tests/hostile/CMakeLists.txt (hostile(), ${JSON}, @DATA@).
# The readers' own cases are gtests (tests/deploy, tests/platform) and the fuzz
# targets of tests/fuzz (docs/testing.md).
hostile(heads_overflow 111 "heads_overflow.json: layer 'block0.attn' \\(encoder\\): heads x head_dim is larger than"
  MAY_CHANGE out.json ARGS run --net @DATA@/heads_overflow.json ${JSON})
hostile(number_overflow 111 "number_overflow.json: malformed JSON: a number is out of range"
  MAY_CHANGE out.json ARGS run --net @DATA@/number_overflow.json ${JSON})
hostile(version_overflow 111 "version_overflow.json: version 4294967297 is not supported"
  MAY_CHANGE out.json ARGS run --net @DATA@/version_overflow.json ${JSON})
hostile(profile_number_overflow 111 "profile_number_overflow.json: invalid JSON: a number is out of range"
  MAY_CHANGE out.json ARGS elf ${PROGRAMS}/hello.elf --soc @DATA@/profile_number_overflow.json ${JSON})
hostile(weights_is_a_folder 111 "is a directory, not a weights file"
  MAY_CHANGE out.json ARGS run --net tiny --weights @DIR@/tmp ${JSON})
hostile(image_word_outside 111 "symbol 'vs_model_image_address' \\(0x30000000\\) is not inside any loadable segment"
  MAY_CHANGE out.json ARGS run --net tiny --soc stm32f746-rv32 --firmware ${PROGRAMS}/fake_interp.elf ${JSON})
hostile(firmware_for_another_soc 112 "symbol '__data_start' \\(0x20000000\\) is outside the data memory l2 of gap9"
  MAY_CHANGE out.json ARGS run --net tiny --soc gap9 --firmware ${FIRMWARE}/interp.stm32f746-rv32.elf ${JSON})
