/*
 * The few Lexbor structures the compiled DOM walk (scraper/walk_compiled.pyx) reads.
 *
 * selectolax bundles Lexbor and ships no headers, so these are copied, trimmed
 * to the fields in use but with every field before them kept, from Lexbor 3.1.0
 * (https://github.com/lexbor/lexbor, Apache License 2.0):
 *   core/str.h            lexbor_str_t
 *   core/hash.h           lexbor_hash_entry_t
 *   tag/tag.h             lxb_tag_data_t, dom/interfaces/attr.h lxb_dom_attr_data_t (first member only)
 *   dom/interfaces/node.h lxb_dom_node_t
 *   dom/interfaces/element.h, attr.h, character_data.h
 * The walk is switched on only when selectolax reports that Lexbor version, a
 * probe page's nodes read the same through these structures as through
 * selectolax's API (Walker.reads_like), and the probe pages' blocks equal the
 * Python walk's (scraper/parse.py, _compiled_walker).
 */
#ifndef CATALOG_SCRAPER_LEXBOR_LAYOUT_H
#define CATALOG_SCRAPER_LEXBOR_LAYOUT_H

#include <stddef.h>
#include <stdint.h>

#define CS_LEXBOR_MAJOR 3
#define CS_LEXBOR_MINOR 1

/* Node types (lxb_dom_node_type_t) and the first dynamic tag id. */
#define CS_NODE_ELEMENT 0x01
#define CS_NODE_TEXT 0x03
#define CS_NODE_COMMENT 0x08
#define CS_TAG_LAST_ENTRY 0x00c7 /* LXB_TAG__LAST_ENTRY: ids from here on point to their lxb_tag_data_t */
#define CS_ATTR_CLASS 0x000b     /* LXB_DOM_ATTR_CLASS */
#define CS_ATTR_HREF 0x001d      /* LXB_DOM_ATTR_HREF */
#define CS_ATTR_STYLE 0x003e     /* LXB_DOM_ATTR_STYLE */
#define CS_ATTR_LAST_ENTRY 0x0049 /* LXB_DOM_ATTR__LAST_ENTRY: ids past it point to their lxb_dom_attr_data_t */
#define CS_HASH_SHORT_SIZE 16    /* LEXBOR_HASH_SHORT_SIZE */

typedef struct {
    unsigned char *data;
    size_t length;
} cs_str;

typedef struct cs_node cs_node;
struct cs_node {
    void *events; /* lxb_dom_event_target_t */
    uintptr_t local_name;
    uintptr_t prefix;
    uintptr_t ns;
    void *owner_document;
    cs_node *next;
    cs_node *prev;
    cs_node *parent;
    cs_node *first_child;
    cs_node *last_child;
    void *user;
    int type; /* lxb_dom_node_type_t, an enum */
};

typedef struct cs_attr cs_attr;
typedef struct cs_element cs_element;

struct cs_attr {
    cs_node node;
    uintptr_t upper_name;
    uintptr_t qualified_name;
    cs_str *value;
    cs_element *owner;
    cs_attr *next;
    cs_attr *prev;
};

struct cs_element {
    cs_node node;
    uintptr_t upper_name;
    uintptr_t qualified_name;
    cs_str *is_value;
    cs_attr *first_attr;
    cs_attr *last_attr;
    cs_attr *attr_id;
    cs_attr *attr_class;
};

typedef struct {
    cs_node node;
    cs_str data;
} cs_chardata;

typedef struct {
    union {
        unsigned char *long_str;
        unsigned char short_str[CS_HASH_SHORT_SIZE + 1];
    } u;
    size_t length;
    void *next;
} cs_hash_entry;

/* The name behind a dynamic tag or attribute id: both lxb_tag_data_t and
 * lxb_dom_attr_data_t start with their hash entry (lxb_tag_data_by_id,
 * lxb_dom_attr_data_by_id, lexbor_hash_entry_str). */
static inline const unsigned char *cs_dynamic_name(uintptr_t id, size_t *length)
{
    const cs_hash_entry *entry = (const cs_hash_entry *) id;
    *length = entry->length;
    return entry->length <= CS_HASH_SHORT_SIZE ? entry->u.short_str : entry->u.long_str;
}

#endif
