package airemu.lua;

import static org.assertj.core.api.Assertions.assertThat;

import airemu.core.Device;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * {@code crypto} against the published test vectors (RFC 1321, FIPS 180, RFC 2202/4231, NIST
 * SP 800-38A/D, the CRC catalogue's check values for "123456789", RFC 6238) and against the
 * firmware's own behaviour: its padding rules, its partial results and its log lines on failure.
 */
class CryptoTest {
  /** Lua helpers: one-value hex, and "how many values, and the length of the first". */
  private static final String PRELUDE = """
      local function hex(s) return (s:toHex()) end
      local function n(...) return select('#', ...), (...) == nil and "nil" or #(...) end
      """;

  /** NIST SP 800-38A, F.1 to F.5: the four-block plaintext and the keys and IVs. */
  private static final String SP800_38A = """
      local pt = ("6BC1BEE22E409F96E93D7E117393172AAE2D8A571E03AC9C9EB76FAC45AF8E51"
          .. "30C81C46A35CE411E5FBC1191A0A52EFF69F2445DF4F9B17AD2B417BE66C3710"):fromHex()
      local k128 = ("2B7E151628AED2A6ABF7158809CF4F3C"):fromHex()
      local k192 = ("8E73B0F7DA0E6452C810F32B809079E562F8EAD2522C6B7B"):fromHex()
      local k256 = ("603DEB1015CA71BE2B73AEF0857D77811F352C073B6108D72D9810A30914DFF4"):fromHex()
      local iv = ("000102030405060708090A0B0C0D0E0F"):fromHex()
      local ctr = ("F0F1F2F3F4F5F6F7F8F9FAFBFCFDFEFF"):fromHex()
      """;

  private static List<String> run(String script) {
    return run(Map.of("main.lua", PRELUDE + script + "\nos.exit(0)"));
  }

  private static List<String> run(Map<String, String> files) {
    try (Emulation emu = Emulation.run("air780epm", files, Device.CrashPolicy.STOP, 5000)) {
      emu.awaitExit();
      return emu.scriptLines();
    }
  }

  @Test
  void digestsAreUpperCaseHexOfTheStandardValues() {
    assertThat(run("""
        log.info("t", crypto.md5(""), crypto.md5("abc"), crypto.md5("message digest"))
        log.info("t", crypto.sha1("abc"), crypto.sha1("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"))
        log.info("t", crypto.sha256("abc"))
        log.info("t", crypto.sha512("abc"))
        log.info("t", crypto.md("SHA224", "abc"), crypto.md("SHA384", "abc"))
        log.info("t", crypto.md("SHA", "abc") == crypto.sha1("abc"), crypto.md5(123) == crypto.md5("123"))
        log.info("t", require("crypto") == crypto)
        """)).containsExactly(
        "I/user.t D41D8CD98F00B204E9800998ECF8427E 900150983CD24FB0D6963F7D28E17F72 F96B697D7CB7938D525A2F31AAF161D0",
        "I/user.t A9993E364706816ABA3E25717850C26C9CD0D89D 84983E441C3BD26EBAAE4AA1F95129E5E54670F1",
        "I/user.t BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD",
        "I/user.t DDAF35A193617ABACC417349AE20413112E6FA4E89A97EA20A9EEEE64B55D39A"
            + "2192992A274FC1A836BA3C23A3FEEBBD454D4423643CE80E2A9AC94FA54CA49F",
        "I/user.t 23097D223405D8228642A477BDA255B32AADBCE4BDA0B3F7E36C9DA7 CB00753F45A35E8BB5A03D699AC65007"
            + "272C32AB0EDED1631A8B605A43FF5BED8086072BA1E7CC2358BAECA134C825A7",
        "I/user.t true true",
        "I/user.t true");
  }

  @Test
  void hmacsMatchRfc2202And4231AndAnEmptyKeyGivesThePlainDigest() {
    assertThat(run("""
        local jefe = "what do ya want for nothing?"
        local long = "Test Using Larger Than Block-Size Key - Hash Key First"
        log.info("t", crypto.hmac_md5(jefe, "Jefe"), crypto.hmac_md5("Hi There", string.rep("\\x0b", 16)))
        log.info("t", crypto.hmac_sha1(jefe, "Jefe"))
        log.info("t", crypto.hmac_sha256(jefe, "Jefe"))
        log.info("t", crypto.hmac_sha512(jefe, "Jefe"))
        log.info("t", crypto.hmac_sha256(long, string.rep("\\xaa", 131)))
        log.info("t", crypto.hmac_sha512(long, string.rep("\\xaa", 131)))
        log.info("t", crypto.hmac_sha1("abc", "") == crypto.sha1("abc"), crypto.md("MD5", "abc", "") == crypto.md5("abc"),
            crypto.md("SHA256", jefe, "Jefe") == crypto.hmac_sha256(jefe, "Jefe"), crypto.md("MD5", "abc", 12) == crypto.md5("abc"))
        log.info("t", crypto.hmac_md5("abc", "1234567890"))
        """)).containsExactly(
        "I/user.t 750C783E6AB0B503EAA86E310A5DB738 9294727A3638BB1C13F48EF8158BFC9D",
        "I/user.t EFFCDF6AE5EB2FA2D27416D5F184DF9C259A7C79",
        "I/user.t 5BDCC146BF60754E6A042426089575C75A003F089D2739839DEC58B964EC3843",
        "I/user.t 164B7A7BFCF819E2E395FBE73B56E0A387BD64222E831FD610270CD7EA250554"
            + "9758BF75C05A994A6D034F65F8F0E6FDCAEAB1A34D4A6B4B636E070A38BCE737",
        "I/user.t 60E431591EE0B67F0D8A26AACBF5B77F8E0BC6213728C5140546040F0EE37F54",
        "I/user.t 80B24263C7C1A3EBB71493C1DD7BE8B49B46D1F41B4AEEC1121B013783F8F352"
            + "6B56D037E05F2598BD0FD2215D6A1E5295E64F73F63F0AEC8B915A985D786598",
        "I/user.t true true true true",
        "I/user.t 416478FC0ACE1C4AB37F85F4F86A16B1");
  }

  @Test
  void anUnknownDigestNameReturnsNothingAndLogsWhy() {
    assertThat(run("""
        log.info("t", n(crypto.md("md5", "abc")))
        log.info("t", n(crypto.hash_init("sha256")))
        """)).containsExactly(
        "W/crypto no such message digest md5",
        "E/crypto luat_crypto_md return -1",
        "I/user.t 0 nil",
        "I/user.t 0 nil");
  }

  @Test
  void aesModesMatchNistSp800_38a() {
    assertThat(run(SP800_38A + """
        log.info("t", hex(crypto.cipher_encrypt("AES-128-ECB", "NONE", pt, k128)))
        log.info("t", hex(crypto.cipher_encrypt("AES-192-ECB", "NONE", pt, k192)))
        log.info("t", hex(crypto.cipher_encrypt("AES-128-CBC", "NONE", pt, k128, iv)))
        log.info("t", hex(crypto.cipher_encrypt("AES-256-CBC", "NONE", pt, k256, iv)))
        log.info("t", hex(crypto.cipher_encrypt("AES-128-CTR", "NONE", pt, k128, ctr)))
        log.info("t", hex(crypto.cipher_encrypt("AES-128-CTR", "PKCS7", pt:sub(1, 20), k128, ctr)))
        log.info("t", crypto.cipher_decrypt("AES-128-ECB", "NONE", crypto.cipher_encrypt("AES-128-ECB", "NONE", pt, k128), k128) == pt,
            crypto.cipher_decrypt("AES-256-CBC", "NONE", crypto.cipher_encrypt("AES-256-CBC", "NONE", pt, k256, iv), k256, iv) == pt,
            crypto.cipher_decrypt("AES-128-CTR", "ZERO", crypto.cipher_encrypt("AES-128-CTR", "NONE", pt, k128, ctr), k128, ctr) == pt)
        """)).containsExactly(
        "I/user.t 3AD77BB40D7A3660A89ECAF32466EF97F5D3D58503B9699DE785895A96FDBAAF"
            + "43B1CD7F598ECE23881B00E3ED0306887B0C785E27E8AD3F8223207104725DD4",
        "I/user.t BD334F1D6E45F25FF712A214571FA5CC974104846D0AD3AD7734ECB3ECEE4EEF"
            + "EF7AFD2270E2E60ADCE0BA2FACE6444E9A4B41BA738D6C72FB16691603C18E0E",
        "I/user.t 7649ABAC8119B246CEE98E9B12E9197D5086CB9B507219EE95DB113A917678B2"
            + "73BED6B8E3C1743B7116E69E222295163FF1CAA1681FAC09120ECA307586E1A7",
        "I/user.t F58C4C04D6E5F1BA779EABFB5F7BFBD69CFC4E967EDB808D679F777BC6702C7D"
            + "39F23369A9D9BACFA530E26304231461B2EB05E2C39BE9FCDA6C19078C6A9D1B",
        "I/user.t 874D6191B620E3261BEF6864990DB6CE9806F66B7970FDFF8617187BB9FFFDFF"
            + "5AE4DF3EDBD5D35E5B4F09020DB03EAB1E031DDA2FBE03D1792170A0F3009CEE",
        "I/user.t 874D6191B620E3261BEF6864990DB6CE9806F66B",
        "I/user.t true true true");
  }

  @Test
  void paddingFollowsTheFirmwareEcbByHandAndMbedtlsCbc() {
    assertThat(run("""
        local k = "1234567890123456"
        -- the firmware's documented example: its hex is the first block of this result
        local e = crypto.cipher_encrypt("AES-128-ECB", "PKCS7", k, k)
        log.info("t", hex(e), crypto.cipher_decrypt("AES-128-ECB", "PKCS7", e, k))
        -- the firmware's demo
        local d1 = crypto.cipher_encrypt("AES-128-ECB", "PKCS7", "12345678901234 > 123456", k)
        local d2 = crypto.cipher_encrypt("AES-128-CBC", "PKCS7", "12345678901234 > 123456", k, "1234567890666666")
        log.info("t", hex(d1), hex(d2))
        log.info("t", crypto.cipher_decrypt("AES-128-ECB", "PKCS7", d1, k), crypto.cipher_decrypt("AES-128-CBC", "PKCS7", d2, k, "1234567890666666"))
        -- ECB ZERO always adds a block and never removes it
        local z = crypto.cipher_encrypt("AES-128-ECB", "ZERO", k, k)
        log.info("t", hex(z), hex(crypto.cipher_decrypt("AES-128-ECB", "ZERO", z, k)))
        -- CBC ZERO (or ZEROS) is mbedtls zero padding: a whole block after whole blocks, stripped on decryption
        local c1 = crypto.cipher_encrypt("AES-128-CBC", "ZERO", "abc", k, k)
        local c2 = crypto.cipher_encrypt("AES-128-CBC", "ZEROS", k, k, k)
        log.info("t", hex(c1), crypto.cipher_decrypt("AES-128-CBC", "ZERO", c1, k, k), hex(c2), crypto.cipher_decrypt("AES-128-CBC", "ZEROS", c2, k, k))
        local o1 = crypto.cipher_encrypt("AES-128-ECB", "ONE_AND_ZEROS", "abc", k)
        local o2 = crypto.cipher_encrypt("AES-128-ECB", "ZEROS_AND_LEN", "abc", k)
        local o3 = crypto.cipher_encrypt("AES-128-CBC", "ONE_AND_ZEROS", k, k, k)
        local o4 = crypto.cipher_encrypt("AES-128-CBC", "ZEROS_AND_LEN", "abc", k, k)
        log.info("t", hex(o1), hex(o2), hex(o3), hex(o4))
        log.info("t", crypto.cipher_decrypt("AES-128-ECB", "ONE_AND_ZEROS", o1, k), crypto.cipher_decrypt("AES-128-ECB", "ZEROS_AND_LEN", o2, k),
            crypto.cipher_decrypt("AES-128-CBC", "ONE_AND_ZEROS", o3, k, k), crypto.cipher_decrypt("AES-128-CBC", "ZEROS_AND_LEN", o4, k, k))
        -- defaults: AES-128-ECB and PKCS7; CBC without an IV uses zeros; "cipher" is cipher_encrypt
        log.info("t", crypto.cipher_encrypt(nil, nil, k, k) == e, hex(crypto.cipher_encrypt("AES-128-CBC", "PKCS7", "abc", k)),
            crypto.cipher("AES-128-CBC", "PKCS7", "abc", k) == crypto.cipher_encrypt("AES-128-CBC", "PKCS7", "abc", k, string.rep("\\0", 16)))
        """)).containsExactly(
        "I/user.t 757CCD0CDC5C90EADBEEECF638DD0000050187A0CDE5A9872CBAB091AB73E553 1234567890123456",
        "I/user.t A37DE67837A1A3006E47A7BC25AA0ECC030B4E058E1972FE5B257FD8C3436142"
            + " 26D98EA512AE92BC487536B83F2BE99B467649A9700338F4B4FF75AA2654DD2C",
        "I/user.t 12345678901234 > 123456 12345678901234 > 123456",
        "I/user.t 757CCD0CDC5C90EADBEEECF638DD0000D8B59848C7670C94B29B54D2379E2E7A"
            + " 3132333435363738393031323334353600000000000000000000000000000000",
        "I/user.t 5DD062D46A6C806331E76B6FF0AF5A56 abc"
            + " D8B59848C7670C94B29B54D2379E2E7AB23D2EE761B18048EBB17AC83573E2FF 1234567890123456",
        "I/user.t 19BA4E889045D97001DB35BE2C7CED9C C3CEE6B8C1C9679BA2766EEE722F130A"
            + " D8B59848C7670C94B29B54D2379E2E7A6B8E5FEA81F2022A75357B1E9E8361F4 229A72392C9D6E583B89B540BD93282E",
        "I/user.t abc abc 1234567890123456 abc",
        "I/user.t true 222835434D1E5B4C7E1009553944C337 true");
  }

  @Test
  void failuresReturnNothingOrWhatWasDoneBeforeThemAndLogTheMbedtlsError() {
    assertThat(run("""
        local k = "1234567890123456"
        log.info("t", n(crypto.cipher_encrypt("AES-128-ECB", "PKCS7", "abc", "short")))
        log.info("t", n(crypto.cipher_encrypt("AES-128-XYZ", "PKCS7", "abc", k)))
        log.info("t", n(crypto.cipher_encrypt("AES-128-CBC", "PKCS7", "abc", k, "12345678")))
        log.info("t", n(crypto.cipher_encrypt("AES-128-CBC", "PKCS7", "abc", k, string.rep("x", 17))))
        -- a partial block: ECB has no padding for "ZEROS", CBC none for "NONE"
        log.info("t", n(crypto.cipher_encrypt("AES-128-ECB", "ZEROS", "abc", k)))
        log.info("t", hex(crypto.cipher_encrypt("AES-128-ECB", "NONE", "abcdefghijklmnopqrst", k)))
        log.info("t", n(crypto.cipher_encrypt("AES-128-CBC", "NONE", "abcdefghijklmnopqrst", k, k)))
        -- bad PKCS7 padding: everything before the last block
        log.info("t", crypto.cipher_decrypt("AES-128-ECB", "PKCS7",
            ("757CCD0CDC5C90EADBEEECF638DD0000269128263B3469C64958073EF25D205A"):fromHex(), k))
        log.info("t", crypto.cipher_decrypt("AES-128-CBC", "PKCS7",
            ("D8B59848C7670C94B29B54D2379E2E7AA91DB353AA073644CC8B349788D1AD60"):fromHex(), k, k))
        log.info("t", n(crypto.cipher_decrypt("AES-128-CBC", "PKCS7", "", k, k)))
        log.info("t", n(crypto.cipher_encrypt("AES-128-CCM", "NONE", "abc", k, "123456789012")))
        """)).containsExactly(
        "E/crypto mbedtls_cipher_setkey fail -0x6100 AES-128-ECB",
        "I/user.t 0 nil",
        "E/crypto mbedtls_cipher_info fail AES-128-XYZ not support",
        "I/user.t 0 nil",
        "E/crypto mbedtls_cipher_set_iv fail -0x6100 AES-128-CBC",
        "I/user.t 0 nil",
        "E/crypto mbedtls_cipher_set_iv fail -0x6080 AES-128-CBC",
        "I/user.t 0 nil",
        "E/crypto mbedtls_cipher_update fail 0x6280 AES-128-ECB",
        "I/user.t 1 0",
        "E/crypto mbedtls_cipher_update fail 0x6280 AES-128-ECB",
        "I/user.t FCAD715BD73B5CB0488F840F3BAD7889",
        "E/crypto mbedtls_cipher_finish fail 0x6280 AES-128-CBC",
        "I/user.t 1 16",
        "E/crypto get_pkcs_padding fail 0x6200 AES-128-ECB",
        "I/user.t 1234567890123456",
        "E/crypto mbedtls_cipher_finish fail 0x6200 AES-128-CBC",
        "I/user.t 1234567890123456",
        "E/crypto mbedtls_cipher_finish fail 0x6280 AES-128-CBC",
        "I/user.t 1 0",
        "E/crypto mbedtls_cipher_update fail 0x6080 AES-128-CCM",
        "I/user.t 1 0");
  }

  @Test
  void gcmReturnsTheTagAndDesRunsTheDemo() {
    assertThat(run("""
        local k = "1234567890123456"
        local c, tag = crypto.cipher_encrypt("AES-128-GCM", "NONE", "hello gcm world!!", k, "abcdefghijkl")
        log.info("t", hex(c), hex(tag))
        log.info("t", crypto.cipher_decrypt("AES-128-GCM", "NONE", c, k, "abcdefghijkl"), n(crypto.cipher_decrypt("AES-128-GCM", "NONE", c, k, "abcdefghijkl")))
        c, tag = crypto.cipher_encrypt("AES-128-GCM", "PKCS7", "hello gcm world!!", k)
        log.info("t", hex(c), hex(tag))
        local d = crypto.cipher_encrypt("DES-ECB", "PKCS7", "abcdefg", "12345678")
        log.info("t", hex(d), crypto.cipher_decrypt("DES-ECB", "PKCS7", d, "12345678"))
        log.info("t", json.encode(crypto.cipher_list()))
        local suites = crypto.cipher_suites()
        log.info("t", #suites, suites[1], suites[11], suites[42])
        """)).containsExactly(
        // Python's AESGCM with the firmware's fixed additional data "1234567890123456"
        "I/user.t C87E78C07D8A0901C5733D91685F1E9C00 10A3F7850EFF28A86A85B632688611B5",
        "I/user.t hello gcm world!! 1 17",
        // a GCM context that mbedtls never started (no IV): zero counter, input hashed, zero mask
        "I/user.t DF5663DBA677E59F504790ACD40B4CFB81 410D09CBD30E021C36696C95C706C3D7",
        "I/user.t 486CB8B81CACCDB7 abcdefg",
        "I/user.t [\"AES-128-ECB\",\"AES-192-ECB\",\"AES-256-ECB\",\"AES-128-CBC\",\"AES-192-CBC\",\"AES-256-CBC\","
            + "\"AES-128-CTR\",\"AES-192-CTR\",\"AES-256-CTR\",\"AES-128-GCM\",\"AES-192-GCM\",\"AES-256-GCM\","
            + "\"AES-128-CCM\",\"AES-192-CCM\",\"AES-256-CCM\",\"DES-ECB\",\"DES-EDE-ECB\",\"DES-EDE3-ECB\","
            + "\"DES-CBC\",\"DES-EDE-CBC\",\"DES-EDE3-CBC\"]",
        "I/user.t 42 TLS-RSA-WITH-AES-128-CCM TLS-ECDHE-ECDSA-WITH-AES-256-GCM-SHA384 TLS-PSK-WITH-AES-128-CCM-8");
  }

  @Test
  void crcsGiveTheCatalogueCheckValues() {
    assertThat(run("""
        local s = "123456789"
        local function h(v) return string.format("%04X", v) end
        log.info("t", h(crypto.crc16("IBM", s)), h(crypto.crc16("MAXIM", s)), h(crypto.crc16("USB", s)), h(crypto.crc16("MODBUS", s)),
            h(crypto.crc16("CCITT", s)), h(crypto.crc16("CCITT-FALSE", s)), h(crypto.crc16("X25", s)), h(crypto.crc16("XMODEM", s)), h(crypto.crc16("DNP", s)))
        log.info("t", h(crypto.crc16_modbus(s)), h(crypto.crc16_modbus(s, 0)), h(crypto.crc16("USER-DEFINED", s, 0x8005, 0xFFFF, 0, 1, 0)),
            h(crypto.crc16("MODBUS", s, nil, nil, nil, nil, 1)), crypto.crc16("unknown", s), crypto.crc16("MODBUS"), crypto.crc16("dfadfasfdsafdasf"))
        log.info("t", string.format("%08X %08X %08X", crypto.crc32(s), crypto.crc32(s, 0xFFFFFFFF, 0x04C11DB7, 0),
            crypto.crc32(s, 0xFFFFFFFF, 0x1EDC6F41, 0xFFFFFFFF)), crypto.crc32(s) == 0xCBF43926)
        log.info("t", string.format("%02X %02X %02X %02X", crypto.crc8(s), crypto.crc8(s, 0x31, 0xFF, false), crypto.crc8(s, 0x31, 0, true),
            crypto.crc8(s, "49", 0xFF, true)), crypto.crc7(s, 0x09, 0), crypto.crc7(s))
        log.info("t", crypto.checksum("OK"), crypto.checksum("OK", 1), string.char(crypto.checksum("OK")):toHex())
        """)).containsExactly(
        "I/user.t BB3D 44C2 B4C8 4B37 2189 29B1 906E 31C3 EA82",
        "I/user.t 4B37 4B37 4B37 ECD2 0 65535 0",
        "I/user.t CBF43926 340BC6D9 E3069283 true",
        "I/user.t F4 F7 A1 F4 117 31",
        "I/user.t 4 154 04 2");
  }

  @Test
  void base64TrngAndTotp() {
    assertThat(run("""
        log.info("t", crypto.base64_encode("123"), crypto.base64_decode("MTIz"), #crypto.base64_decode("!!"))
        log.info("t", #crypto.trng(4), #crypto.trng(200), #crypto.trng(-1), select('#', crypto.trng(0)))
        -- RFC 6238 appendix B (SHA1), the last six digits
        local secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
        log.info("t", crypto.totp(secret, 59), crypto.totp(secret, 1111111109), crypto.totp(secret, 1234567890),
            crypto.totp(secret, 2000000000), crypto.totp(secret:lower(), 59), math.type(crypto.totp(secret)), select('#', crypto.totp("!!")))
        """)).containsExactly(
        "I/user.t MTIz 123 0",
        "I/user.t 4 128 128 0",
        "I/user.t 287082 81804 5924 279037 287082 integer 0");
  }

  @Test
  void streamsAndFilesHashAsTheOneShotFunctions() {
    assertThat(run(Map.of("data.txt", "hello file\n", "main.lua", PRELUDE + """
        local st = crypto.hash_init("SHA256")
        crypto.hash_update(st, "hello ")
        crypto.hash_update(st, "file\\n")
        log.info("t", crypto.hash_finish(st), crypto.md_file("SHA256", "/luadb/data.txt"))
        log.info("t", n(crypto.hash_finish(st)))
        local hm = crypto.hash_init("SHA1", "123456")
        crypto.hash_update(hm, "hello file\\n")
        log.info("t", crypto.hash_finish(hm), crypto.md_file("SHA1", "/luadb/data.txt", "123456"))
        log.info("t", tostring(crypto.hash_init("MD5")):match("^crypto: ") ~= nil)
        collectgarbage()
        collectgarbage()
        log.info("t", n(crypto.md_file("SHA256", "/luadb/none.txt")))
        log.info("t", n(crypto.md_file("SHA256", "/")))
        log.info("t", n(crypto.md_file("sha256", "/luadb/data.txt")))
        log.info("t", string.format("%08X", crypto.crc_file("crc32", "/luadb/data.txt")),
            crypto.crc_file("crc16_modbus", "/luadb/data.txt") == crypto.crc16("MODBUS", "hello file\\n"),
            crypto.crc_file("X25", "/luadb/data.txt") == crypto.crc16("X25", "hello file\\n"),
            crypto.crc_file("CRC8", "/luadb/data.txt", 0xFF, 0x31, 1) == crypto.crc8("hello file\\n", 0x31, 0xFF, true))
        log.info("t", pcall(crypto.hash_update, {}, "x"))
        os.exit(0)
        """))).containsExactly(
        "I/user.t 702B7D2E4B28C4F3EF1434BD2333A83427796A9007FB2A23248BECD4D51A3E7F"
            + " 702B7D2E4B28C4F3EF1434BD2333A83427796A9007FB2A23248BECD4D51A3E7F",
        "I/crypto md finish ret -20736",
        "I/user.t 0 nil",
        "I/user.t C486E4D56E22B92128F693C49BBCEE3756230EDB C486E4D56E22B92128F693C49BBCEE3756230EDB",
        "I/user.t true",
        "I/crypto no such file /luadb/none.txt",
        "I/user.t 0 nil",
        "I/user.t 0 nil",
        "I/crypto no such message digest sha256",
        "I/user.t 0 nil",
        "I/user.t 18D18907 true true true",
        "I/user.t false bad argument #1 to 'crypto.hash_update' (crypto expected, got table)");
  }

  @Test
  void wrongArgumentTypesRaiseTheModulesErrors() {
    assertThat(run("""
        log.info("t", pcall(crypto.md5))
        log.info("t", pcall(crypto.hmac_sha256, "a"))
        log.info("t", pcall(crypto.cipher_encrypt, "AES-128-ECB", "PKCS7", nil, "k"))
        log.info("t", pcall(crypto.cipher_decrypt, {}, "PKCS7", "d", "k"))
        log.info("t", pcall(crypto.crc32, "a", 1.5))
        log.info("t", pcall(crypto.crc16, "MODBUS", "a", "x"))
        log.info("t", pcall(crypto.trng))
        log.info("t", pcall(crypto.md, "MD5"))
        log.info("t", pcall(crypto.hash_finish))
        """)).containsExactly(
        "I/user.t false bad argument #1 to 'crypto.md5' (string expected, got no value)",
        "I/user.t false bad argument #2 to 'crypto.hmac_sha256' (string expected, got no value)",
        "I/user.t false bad argument #3 to 'crypto.cipher_encrypt' (string expected, got nil)",
        "I/user.t false bad argument #1 to 'crypto.cipher_decrypt' (string expected, got table)",
        "I/user.t false bad argument #2 to 'crypto.crc32' (number has no integer representation)",
        "I/user.t false bad argument #3 to 'crypto.crc16' (number expected, got string)",
        "I/user.t false bad argument #1 to 'crypto.trng' (number expected, got no value)",
        "I/user.t false bad argument #2 to 'crypto.md' (string expected, got no value)",
        "I/user.t false bad argument #1 to 'crypto.hash_finish' (crypto expected, got no value)");
  }

  // --- the GCM core on its own, where any additional data can be given -------------------------------

  @Test
  void gcmCoreMatchesNistTestCase4() {
    HexFormat hex = HexFormat.of();
    MbedCipher.Gcm gcm = new MbedCipher.Gcm(new MbedCipher.Block("AES", hex.parseHex("feffe9928665731c6d6a8f9467308308")));
    gcm.start(true, hex.parseHex("cafebabefacedbaddecaf888"), hex.parseHex("feedfacedeadbeeffeedfacedeadbeefabaddad2"));
    byte[] p = hex.parseHex("d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
        + "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39");
    byte[] c = concat(gcm.update(p, 0, 32), gcm.update(p, 32, p.length - 32));
    assertThat(hex.formatHex(c)).isEqualTo("42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
        + "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091");
    assertThat(hex.formatHex(gcm.tag())).isEqualTo("5bc94fbc3221a5db94fae95ae7121a47");
  }

  @Test
  void gcmWithAnIvAgreesWithTheJdkForEveryIvLength() throws Exception {
    byte[] key = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    byte[] data = "forty-one bytes of data to encrypt, sir!!".getBytes(StandardCharsets.US_ASCII);
    for (int ivLen = 1; ivLen <= 16; ivLen++) {
      byte[] iv = new byte[ivLen];
      for (int i = 0; i < ivLen; i++) iv[i] = (byte) (i * 37 + ivLen);
      MbedCipher.Result r = MbedCipher.run("AES-256-GCM", "NONE", data, key, iv, true, msg -> { });
      Cipher jdk = Cipher.getInstance("AES/GCM/NoPadding");
      jdk.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, iv));
      jdk.updateAAD(MbedCipher.GCM_AAD);
      assertThat(concat(r.out(), r.tag())).as("IV of %d bytes", ivLen).isEqualTo(jdk.doFinal(data));
    }
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] r = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }
}
